"""`face_verify`: a registered face against the image's largest face, at a threshold."""

from __future__ import annotations

from shared.analyses.face_verify import FaceVerifyOptions, FaceVerifyResult
from workers.pipelines import Inputs, JobContext
from workers.pipelines.faces import FacePipeline


class FaceVerifyPipeline(FacePipeline):
    def run(
        self, inputs: Inputs, options: FaceVerifyOptions, context: JobContext
    ) -> FaceVerifyResult:
        stamp = self.finder.stamp
        reference = context.groups.embedding(options.group_id, options.face_id, stamp)
        picture = self.finder.find_one(inputs["file"], "file", spoof=options.spoof)
        cosine = self.finder.embed(picture, [picture.largest])[0] @ reference
        similarity = round(float(stamp.calibration.similarity(cosine)), 2)
        threshold = stamp.calibration.threshold(options.threshold)
        return FaceVerifyResult(
            face_id=options.face_id,
            similarity=similarity,
            matched=similarity >= threshold,
            threshold=threshold,
            source_face=picture.largest.face,
        )
