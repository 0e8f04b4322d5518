"""retrowalk.services"""
