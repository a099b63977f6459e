"""`python -m evaluation DATASET_DIR [options]`: see evaluation.harness."""
from evaluation.harness import main

main()
