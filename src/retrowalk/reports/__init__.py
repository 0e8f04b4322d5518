"""retrowalk.reports"""
