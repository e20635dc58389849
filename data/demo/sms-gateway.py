#!/usr/bin/env python3
"""The demo's SMS gateway: what the federation's gateway would send, shown.

`./run demo` starts it on 127.0.0.1 before the hub; it writes the hub's
sms.conf to point at itself (docs/hub-api.md, "Text messages to customers").
It takes each message as a real gateway does (a POST of JSON holding "to"
and "text"), answers 200, and, instead of sending it to a phone, prints it
on the demo's terminal and adds it to a file, so a newcomer sees the
customer told that their order is ready.

    sms-gateway.py LOG-FILE HUB-DIR

Writes HUB-DIR/sms.conf once ready, then prints one line a message.
"""

import http.server
import json
import os
import sys
import time


class Gateway(http.server.BaseHTTPRequestHandler):
    log_path = None

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        try:
            message = json.loads(body)
            to, text = str(message["to"]), str(message["text"])
        except (ValueError, KeyError, TypeError):
            self.send_response(400)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        line = "%s  SMS à %s : %s" % (time.strftime("%H:%M:%S"), to, text)
        print(line, flush=True)
        with open(self.log_path, "a", encoding="utf-8") as log:
            log.write(line + "\n")
        answer = json.dumps({"id": "demo-%d" % time.time_ns()}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


def main():
    Gateway.log_path = sys.argv[1]
    server = http.server.HTTPServer(("127.0.0.1", 0), Gateway)
    conf = os.path.join(sys.argv[2], "sms.conf")
    # 0600, as the hub wants a file that could hold a gateway's credentials
    # (it would say "chmod 600" at each start otherwise).
    part = conf + ".part"
    if os.path.exists(part):
        os.unlink(part)
    with os.fdopen(os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as out:
        out.write("# The demo's gateway (data/demo/sms-gateway.py): messages are shown, not sent.\n"
                  "[gateway]\nurl=http://127.0.0.1:%d/v1/messages\nsender=VITRINE\n"
                  % server.server_address[1])
    os.rename(part, conf)
    server.serve_forever()


if __name__ == "__main__":
    main()
