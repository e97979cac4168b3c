"""Training the shipped models: never imported by the pipeline at run time.

``python -m faultlines.training.causal`` retrains the causal-sentence classifier (``docs/causal-model.md``),
``python -m faultlines.training.roles`` the role filler (``docs/roles-model.md``).
"""
