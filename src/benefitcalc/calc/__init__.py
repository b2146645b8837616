"""Pure calculation functions, one module per benefit."""
