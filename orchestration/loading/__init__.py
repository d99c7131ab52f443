"""Loading landed files: read, pseudonymise and judge by contract, in memory.

What a load holds is written to the working database by orchestration.recording;
nothing here opens it. Child ids are pseudonymised as soon as a file's cells exist,
before anything is validated, logged or stored.
"""
