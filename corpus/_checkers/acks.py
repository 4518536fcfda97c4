# Shared by the corpus checkers: the last acknowledgement "ack N" the program printed before the crash.
import os, re


def acknowledged():
    with open(os.environ["WRITEBACK_OUTPUT"], "rb") as output:
        found = re.findall(rb"ack (\d+)", output.read())
    return int(found[-1]) if found else 0


def image(*parts):
    return os.path.join(os.environ["WRITEBACK_IMAGE"], *parts)
