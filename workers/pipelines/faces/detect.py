"""`face_detect`: the faces of an image, largest first (none is a success)."""

from __future__ import annotations

from shared.analyses.face_detect import FaceDetectOptions, FaceDetectResult
from workers.pipelines import Inputs, JobContext
from workers.pipelines.faces import FacePipeline


class FaceDetectPipeline(FacePipeline):
    def run(
        self, inputs: Inputs, options: FaceDetectOptions, context: JobContext
    ) -> FaceDetectResult:
        picture = self.finder.find(inputs["file"], options.limit, spoof=options.spoof)
        return FaceDetectResult(faces=[found.face for found in picture.faces])
