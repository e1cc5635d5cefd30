"""`face_search`: a group's faces ranked by similarity to the image's largest face."""

from __future__ import annotations

from shared.analyses.face_search import FaceSearchMatch, FaceSearchOptions, FaceSearchResult
from workers.pipelines import Inputs, JobContext
from workers.pipelines.faces import FacePipeline


class FaceSearchPipeline(FacePipeline):
    def run(
        self, inputs: Inputs, options: FaceSearchOptions, context: JobContext
    ) -> FaceSearchResult:
        stamp = self.finder.stamp
        gallery = context.groups.gallery(options.group_id, stamp)
        picture = self.finder.find_one(inputs["file"], "file", spoof=options.spoof)
        query = self.finder.embed(picture, [picture.largest])[0]
        threshold = stamp.calibration.threshold(options.threshold)
        matches = gallery.search(query, stamp.calibration, threshold, options.limit)
        return FaceSearchResult(
            source_face=picture.largest.face,
            matches=[FaceSearchMatch.of(match) for match in matches],
        )
