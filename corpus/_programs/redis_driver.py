# Runs redis-server with the append-only file in the current directory and sends it N SETs over a
# Unix socket (outside the traced directory), printing "ack N" after each +OK reply; then SHUTDOWN.
#   redis_driver.py always|everysec N      (redis-server on PATH)
import os, socket, subprocess, sys, tempfile, time

mode, n = sys.argv[1], int(sys.argv[2])
sock_dir = tempfile.mkdtemp(prefix="writeback-redis-")
sock = os.path.join(sock_dir, "redis.sock")
server = subprocess.Popen(["redis-server", "--port", "0", "--unixsocket", sock, "--dir", os.getcwd(),
                           "--appendonly", "yes", "--appendfsync", mode, "--save", "",
                           "--daemonize", "no", "--logfile", "", "--loglevel", "warning"],
                          stdout=subprocess.DEVNULL)


def command(conn, *words):
    conn.sendall(b"".join([f"*{len(words)}\r\n".encode()] + [f"${len(w)}\r\n{w}\r\n".encode() for w in words]))
    return conn.recv(4096)


def connect():
    """Waits until the server answers PING (the socket exists before the server has loaded its AOF)."""
    for _ in range(200):
        conn = socket.socket(socket.AF_UNIX)
        conn.settimeout(2)
        try:
            conn.connect(sock)
            if command(conn, "PING") == b"+PONG\r\n":
                conn.settimeout(None)
                return conn
        except OSError:
            pass
        conn.close()
        time.sleep(0.05)
    sys.exit("redis-server never answered PING")


try:
    conn = connect()
    for i in range(1, n + 1):
        reply = command(conn, "SET", f"key{i}", f"value {i}")
        if reply != b"+OK\r\n":
            sys.exit(f"SET key{i}: {reply!r}")
        print(f"ack {i}", flush=True)
    command(conn, "SHUTDOWN")
finally:
    server.wait(timeout=30)
    os.rmdir(sock_dir) if not os.path.exists(sock) else None
