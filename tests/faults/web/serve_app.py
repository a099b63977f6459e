"""Serve the app in a process of its own, as one gunicorn worker would: `python -m ... PORT CONFIG_JSON`."""
from __future__ import annotations

import json
import sys

from werkzeug.serving import make_server

from web import create_app


def main() -> None:
    port, config = int(sys.argv[1]), json.loads(sys.argv[2])
    server = make_server("127.0.0.1", port, create_app(config), threaded=False)
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
