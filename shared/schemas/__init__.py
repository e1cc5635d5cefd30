"""API and result models shared by the gateway and the workers."""
