"""careerfolio: a career record in, a promotion-case site and dossier out."""

__version__ = "0.1.0"
