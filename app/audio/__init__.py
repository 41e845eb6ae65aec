"""Audio on the application side: the crash-safe microphone recorder, device listing, disk
checks, recovery of recordings cut short, transcript exports and the word error rate.

sounddevice (PortAudio) is imported only when a recording or a device list is asked for, so
that Confide runs where PortAudio is missing.
"""
