"""Contracts: the model, YAML IO, and derivation from Prisma and Mongo."""

from wdguard.contracts.io import dump_contract, load_contract, load_contracts, write_contract
from wdguard.contracts.model import Column, Contract, ForeignKey, Index, Rule, Source

__all__ = [
    "Column",
    "Contract",
    "ForeignKey",
    "Index",
    "Rule",
    "Source",
    "dump_contract",
    "load_contract",
    "load_contracts",
    "write_contract",
]
