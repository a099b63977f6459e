"""The store's queries, one module per aggregate of matcher.models; services call these, never build SQL.

accounts, network, documents, capabilities, problems, operations: one aggregate each. cards: the read
model the ranking shares (entity cards, document texts and years, capability statistics). reports:
counts across tables. merges: the one repointing UPDATE a merge needs in every table. demo: the look-ups
only the demo's seeding needs.
"""
