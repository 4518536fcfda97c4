# Shared by the corpus checkers: the last acknowledgement "ack N" the program printed before the crash.
import os, re


def acknowledged():
    with open(os.environ["WRITEBACK_OUTPUT"], "rb") as output:
        found = re.findall(rb"ack (\d+)", output.read())
    return int(found[-1]) if found else 0


def image(*parts):
    return os.path.join(os.environ["WRITEBACK_IMAGE"], *parts)


def records(count):
    """'1 record', '2 records': a count as a checker's message says it."""
    return f"{count} record" if count == 1 else f"{count} records"


def were(count):
    """'1 was', '2 were': the verb after a count of acknowledged records."""
    return "1 was" if count == 1 else f"{count} were"
