#!/usr/bin/env python3
"""An SMTP server for notifier tests (aiosmtpd), on loopback only. Logs each message to --log as a JSON
line (envelope sender, recipients, the whole message, the AUTH login if any). With --auth USER:PASSWORD
it requires AUTH (PLAIN or LOGIN). Prints "ready"."""
import argparse, json, threading
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--log", required=True)
parser.add_argument("--auth")
args = parser.parse_args()
lock = threading.Lock()


class Handler:
    async def handle_DATA(self, server, session, envelope):
        with lock, open(args.log, "a") as f:
            login = session.auth_data if session.authenticated else None
            f.write(json.dumps({"from": envelope.mail_from, "to": envelope.rcpt_tos, "login": login,
                                "message": envelope.content.decode("utf-8", "replace")}) + "\n")
        return "250 OK"


def authenticator(server, session, envelope, mechanism, auth_data):
    user, password = args.auth.split(":", 1)
    ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user and auth_data.password.decode() == password
    return AuthResult(success=ok, auth_data=auth_data.login.decode() if ok else None)


kwargs = {}
if args.auth:
    kwargs = {"authenticator": authenticator, "auth_required": True, "auth_require_tls": False}
controller = Controller(Handler(), hostname="127.0.0.1", port=args.port, **kwargs)
controller.start()
print("ready", flush=True)
threading.Event().wait()
