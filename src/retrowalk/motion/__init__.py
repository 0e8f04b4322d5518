"""retrowalk.motion"""
