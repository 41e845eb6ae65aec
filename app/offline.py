"""The offline guarantee, as far as the process can enforce it: libraries that know a model hub
are told to stay offline before they are imported (ONNX Runtime's telemetry is switched off in
models/__init__.py, beneath every import of it). (No socket is opened by Confide's own code;
the tests prove it with a socket guard and a network namespace.)"""

import os

OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "TRANSFORMERS_OFFLINE": "1",
}


def enforce_offline() -> None:
    for key, value in OFFLINE_ENV.items():
        os.environ[key] = value
