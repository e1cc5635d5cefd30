"""The embedded default's broker: kombu's filesystem transport, with messages that appear whole.

kombu writes a message file in place, and a consumer moves any matching file away and reads it
without taking the writer's lock: a worker that polls while a wake-up is being written takes
it empty, fails to parse it and loses it (seen with four clients submitting at once; the
scheduler re-sent the wake-up a minute later). Here a message is written under a name no
consumer matches and renamed into place once complete; a rename is atomic.
"""

from __future__ import annotations

import os
import uuid
from time import monotonic
from typing import Any

from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps


class Channel(filesystem.Channel):
    # kombu's own bases name the second parameter differently (`message`, `payload`).
    def _put(self, queue: Any, payload: Any, **kwargs: Any) -> None:  # type: ignore[override]
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        partial = os.path.join(self.data_folder_out, f".{name}.partial")
        try:
            with open(partial, "wb") as stream:
                stream.write(str_to_bytes(dumps(payload)))
            os.replace(partial, final)
        except OSError as e:
            raise filesystem.ChannelError(f"cannot add {final!r} to the queue folder") from e


class Transport(filesystem.Transport):
    Channel = Channel
