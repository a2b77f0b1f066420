"""The PDA and lead-screen web pages: a client of /api/v1 and Socket.IO like any native app."""
