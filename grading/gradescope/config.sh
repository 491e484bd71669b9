# What run_autograder grades, for one Gradescope assignment. Edit, then rebuild the zip
# (see README.md). Each value may be overridden by the environment variable named beside it.

# The stages this assignment grades, e.g. "03" or "01,02"; empty: every written stage.
STAGES="${KATA_GRADESCOPE_STAGES:-}"
# The seed of the random tests: any whole number. Keep it fixed for a term, so a regrade
# gives the same grade; change it between terms so old outputs do not give the cases away.
SEED="${KATA_GRADESCOPE_SEED:-1}"
# Held-out tests, relative to the course folder: NN-slug/*.test.ts; empty: none.
EXTRA_TESTS="${KATA_GRADESCOPE_EXTRA_TESTS:-}"
