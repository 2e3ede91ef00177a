"""Patchwork: the router. Page config, navigation and the shared sidebar (pages/helpers/router.py);
nothing else.

`streamlit run app.py` finds `app` below (st.App, public) and serves this same file as the script:
its lifespan warms the caches and imports once at start (router.warm_up). Each session's run of
the script is `__main__` and runs the shell.
"""

import streamlit as st

from pages.helpers import router, served_media

if __name__ == "__main__":  # a session's run of this script (or AppTest's)
    router.run(router.shell())
else:  # imported by `streamlit run` to serve it
    app = st.App(__file__, lifespan=router.lifespan, routes=served_media.routes())
