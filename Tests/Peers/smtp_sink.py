#!/usr/bin/env python3
"""An SMTP server for notifier tests (aiosmtpd), on loopback only. Logs each message to --log as a JSON
line (envelope sender, recipients, the whole message, the AUTH login if any). With --auth USER:PASSWORD
it requires AUTH (PLAIN or LOGIN); with --cert and --key it requires STARTTLS first. Prints "ready"."""
import argparse, json, ssl, threading
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--log", required=True)
parser.add_argument("--auth")
parser.add_argument("--cert", help="offer STARTTLS with this certificate (and --key), and require it")
parser.add_argument("--key")
parser.add_argument("--smtps", action="store_true", help="TLS from the first byte (smtps://) instead of STARTTLS")
args = parser.parse_args()
lock = threading.Lock()


class Handler:
    async def handle_DATA(self, server, session, envelope):
        with lock, open(args.log, "a") as f:
            login = session.auth_data if session.authenticated else None
            tls = session.ssl is not None or ssl_context is not None
            f.write(json.dumps({"from": envelope.mail_from, "to": envelope.rcpt_tos, "login": login, "tls": tls,
                                "message": envelope.content.decode("utf-8", "replace")}) + "\n")
        return "250 OK"


def authenticator(server, session, envelope, mechanism, auth_data):
    user, password = args.auth.split(":", 1)
    ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user and auth_data.password.decode() == password
    return AuthResult(success=ok, auth_data=auth_data.login.decode() if ok else None)


kwargs = {}
if args.auth:
    kwargs.update(authenticator=authenticator, auth_required=True, auth_require_tls=bool(args.cert))
ssl_context = None
if args.cert:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(args.cert, args.key)
    if args.smtps:
        ssl_context = context
    else:
        kwargs.update(tls_context=context, require_starttls=True)
controller = Controller(Handler(), hostname="127.0.0.1", port=args.port, ssl_context=ssl_context, **kwargs)
controller.start()
print("ready", flush=True)
threading.Event().wait()
