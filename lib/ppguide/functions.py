"""Computations the knowledge may call from its expressions (values, checks, artifacts).

Each is a plain function of the library, registered under the name a product
file uses, e.g. ``expr: broadcast(public_ip, subnet_mask).address``.
"""
from __future__ import annotations

from . import expressions, network

expressions.register(broadcast=network.broadcast)
