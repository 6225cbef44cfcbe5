#!/usr/bin/env python3
"""serve_bounds.py URL — what `posture serve` refuses, checked over raw sockets
(tests/cli/serve_bounds.sh starts the server).  Prints one line per failure
and exits 1 if there was one."""
import socket
import sys
import time
import urllib.parse

url = urllib.parse.urlsplit(sys.argv[1])
HOST, PORT = url.hostname, url.port
failures = []


def check(ok, what):
    if not ok:
        failures.append(what)
        print('FAIL: ' + what)


def request(raw, timeout=10):
    """Send @raw, return the status line (b'' when the server closed without one)."""
    with socket.create_connection((HOST, PORT), timeout=timeout) as s:
        try:
            s.sendall(raw)
        except (BrokenPipeError, ConnectionResetError):
            pass  # refused while we were still sending
        data = b''
        try:
            while b'\r\n' not in data:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
        except ConnectionResetError:
            pass
        return data.split(b'\r\n', 1)[0]


def get(path, method='GET', host=None):
    host = host or '%s:%d' % (HOST, PORT)
    return request(('%s %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n'
                    % (method, path, host)).encode())


def status(line):
    parts = line.split()
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None


check(status(get('/')) == 200, 'GET / answers 200')
check(status(get('/', 'HEAD')) == 200, 'HEAD / answers 200')
for path in ['/../', '/..', '/../etc/passwd', '/%2e%2e/', '/map.png/../../x', '//etc/passwd',
             '/index.html', '/map.json', '/events/../map.png']:
    check(status(get(path)) == 404, 'GET %s answers 404' % path)
for method in ['POST', 'PUT', 'DELETE', 'OPTIONS', 'TRACE']:
    check(status(get('/', method)) == 405, '%s / answers 405' % method)
check(status(get('/', host='evil.example:%d' % PORT)) == 403, 'a foreign Host header answers 403')

# A request line of 1 MB: refused with an error status (or the connection
# closed), quickly, and the server answers the next request as before.
t0 = time.monotonic()
line = request(b'GET /' + b'a' * (1 << 20) + b' HTTP/1.1\r\nHost: x\r\n\r\n')
check(time.monotonic() - t0 < 10, 'a 1 MB request line is refused in under 10 s')
check(line == b'' or (status(line) or 0) >= 400, 'a 1 MB request line is refused (got %r)' % line[:80])
check(status(get('/')) == 200, 'GET / still answers after a 1 MB request line')

# A slow client (a request head that never ends) does not stall anyone else.
slow = [socket.create_connection((HOST, PORT)) for _ in range(8)]
for s in slow:
    s.sendall(b'GET / HTTP/1.1\r\nHost: ')
t0 = time.monotonic()
check(status(get('/map.svg')) == 200, 'GET /map.svg answers while slow clients hang')
check(time.monotonic() - t0 < 10, 'slow clients do not delay others')
for s in slow:
    s.close()

sys.exit(1 if failures else 0)
