"""A real SMTP server on loopback (aiosmtpd, in a thread) that can be made to misbehave:
drop connections at random before accepting a message, greylist recipients for a while,
refuse recipients for good, answer slowly, and refuse connections altogether for a while."""

import asyncio
import random
import socket
import threading
import time
from collections import Counter

from aiosmtpd.controller import Controller

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class FaultyHandler:
    def __init__(self, drop_rate, greylisted, greylist_for, refused, delay, seed):
        self.drop_rate, self.greylisted, self.greylist_for = drop_rate, greylisted, greylist_for
        self.refused, self.delay = refused, delay
        self.random = random.Random(seed)
        self.lock = threading.Lock()
        self.accepted = Counter()  # recipient -> messages accepted
        self.drops = self.greylistings = 0
        self.first_seen = {}

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refused:
            return "550 5.1.1 No such user"
        if address in self.greylisted:
            first = self.first_seen.setdefault(address, time.monotonic())
            if time.monotonic() - first < self.greylist_for:
                self.greylistings += 1
                return "451 4.7.1 Greylisted, please try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if self.delay:
            await asyncio.sleep(self.delay)
        with self.lock:
            if self.random.random() < self.drop_rate:
                # Dropped before the message was accepted: the client sees the connection go.
                self.drops += 1
                server.transport.close()
                return "421 4.4.2 Connection dropped"
            self.accepted.update(envelope.rcpt_tos)
        return "250 OK"


class FaultySmtpServer:
    def __init__(self, drop_rate=0.0, greylisted=(), greylist_for=0.0, refused=(), delay=0.0,
                 seed=1):
        self.handler = FaultyHandler(drop_rate, set(greylisted), greylist_for, set(refused),
                                     delay, seed)
        self.port = free_port()
        self.controller = None

    @property
    def accepted(self) -> Counter:
        with self.handler.lock:
            return Counter(self.handler.accepted)

    def start(self):
        self.controller = Controller(self.handler, hostname=HOST, port=self.port)
        self.controller.start()
        return self

    def stop(self):
        """Close the listening socket and every open connection: connections are refused."""
        if self.controller is not None:
            self.controller.stop()
            self.controller = None
