"""Patchwork: the router. Page config, navigation and the shared sidebar (pages/helpers/router.py);
nothing else."""

from pages.helpers import router

router.run(router.shell())
