//! Evaluation: exact where possible, MPFR interval arithmetic with certified digits.
