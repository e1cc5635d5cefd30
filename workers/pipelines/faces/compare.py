"""`face_compare`: the source image's largest face against every face of the target image."""

from __future__ import annotations

from shared.analyses.face_compare import FaceCompareOptions, FaceCompareResult, FaceMatch
from workers.pipelines import Inputs, JobContext
from workers.pipelines.faces import FacePipeline


class FaceComparePipeline(FacePipeline):
    def run(
        self, inputs: Inputs, options: FaceCompareOptions, context: JobContext
    ) -> FaceCompareResult:
        source = self.finder.find_one(inputs["file"], "source", spoof=options.spoof)
        target = self.finder.find_one(inputs["target"], "target", spoof=options.spoof)
        query = self.finder.embed(source, [source.largest])[0]
        cosines = self.finder.embed(target, target.faces) @ query
        calibration = self.finder.stamp.calibration
        similarities = calibration.similarity(cosines)
        threshold = calibration.threshold(options.threshold)
        pairs = [
            FaceMatch(face=found.face, similarity=round(float(similarity), 2))
            for found, similarity in zip(target.faces, similarities, strict=True)
        ]
        pairs.sort(key=lambda pair: -pair.similarity)
        return FaceCompareResult(
            source_face=source.largest.face,
            threshold=threshold,
            matched=[pair for pair in pairs if pair.similarity >= threshold],
            unmatched=[pair for pair in pairs if pair.similarity < threshold],
        )
