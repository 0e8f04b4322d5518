"""retrowalk.store"""
