"""The trained sentiment head (`sentiment_head.npz`), its training script and its data notes (README.md)."""
