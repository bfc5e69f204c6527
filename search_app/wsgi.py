"""The WSGI application for production servers: the data folder comes from $POLICY_INDEX_DATA."""

from . import create_app

app = create_app()
