import contextlib
import os
import signal
import subprocess
import sys
import time

from django.core.management import CommandError

from trackflow.commands import TrackFlowCommand


class Command(TrackFlowCommand):
    help = "Run the web server and the django-q2 cluster together; Ctrl-C stops both."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, addrport: str, **options):
        manage = [sys.executable, os.path.abspath(sys.argv[0])]
        commands = {
            "web": [*manage, "runserver", "--noreload", addrport],
            "worker": [*manage, "qcluster"],
        }
        # Each child leads its own process group, so stopping a group also stops the
        # cluster's worker processes: nothing is left behind.
        children = {
            name: subprocess.Popen(command, start_new_session=True)
            for name, command in commands.items()
        }
        self.stdout.write(f"TrackFlow on http://{addrport}/ with a worker cluster; Ctrl-C stops.")
        stopping = False

        def stop(signum=None, frame=None):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        failed = None
        while not stopping:
            for name, child in children.items():
                if child.poll() is not None:
                    failed, stopping = name, True
            time.sleep(0.2)
        self._stop_all(children)
        if failed:
            raise CommandError(f"the {failed} process exited; stopped everything")

    def _stop_all(self, children: dict[str, subprocess.Popen]) -> None:
        for child in children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)  # each stops its own workers
        deadline = time.monotonic() + 15
        for child in children.values():
            try:
                child.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
            with contextlib.suppress(
                ProcessLookupError
            ):  # whatever of the group is left (a stuck worker) goes too
                os.killpg(child.pid, signal.SIGKILL)
        self.stdout.write("Stopped.")
