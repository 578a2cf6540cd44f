"""Kefu 客服运营平台 — the operations platform of a customer-service department."""

__version__ = "0.1.0"
