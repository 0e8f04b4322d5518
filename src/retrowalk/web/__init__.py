"""retrowalk.web"""
