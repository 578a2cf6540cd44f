"""Text banks for the demo data set: people, places, assets and ticket texts (pure data)."""
