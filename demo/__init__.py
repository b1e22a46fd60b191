"""The demo street: data tables, one plan module per app, one seeding entry point (seed.py).

A later app adds its demo data as a new module under demo/plans/ and one line in
demo.plans.PLANS; it finds what earlier plans wrote (the street, its members, the demo logins)
in the SeedContext it is given.
"""
