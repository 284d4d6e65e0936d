"""Rules as data: the compiled model, the names rules may read, the condition grammar, and the loader."""
