"""Library logic as plain functions: catalog upserts and the per-user library scope."""
