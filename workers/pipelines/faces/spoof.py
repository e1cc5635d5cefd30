"""`face_spoof`: every face of an image with its liveness (needs a liveness model)."""

from __future__ import annotations

from shared.analyses.face_spoof import FaceSpoofOptions, FaceSpoofResult
from workers.pipelines import Inputs, JobContext
from workers.pipelines.faces import FacePipeline
from workers.pipelines.faces.finder import MAX_FACES


class FaceSpoofPipeline(FacePipeline):
    needs_liveness = True

    def run(
        self, inputs: Inputs, options: FaceSpoofOptions, context: JobContext
    ) -> FaceSpoofResult:
        picture = self.finder.find(inputs["file"], MAX_FACES, spoof=True)
        return FaceSpoofResult(faces=[found.face for found in picture.faces])
