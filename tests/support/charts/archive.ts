/**
 * The files of a Helm chart archive (`.tgz`, every path under one `<chart>/` folder, as `helm package` writes it).
 * `tar` is npm's own tar implementation: it gunzips, reads pax/GNU long names and rejects a corrupt archive, which
 * a hand-written ustar reader would have to redo.
 */
import { Parser, type ReadEntry } from "tar";

/** Paths relative to the chart folder (`values.yaml`, `templates/x.yaml`, `files/crd-all.gen.yaml`) to contents. */
export type ChartFiles = ReadonlyMap<string, string>;

export async function readChartArchive(archive: Buffer): Promise<ChartFiles> {
  const files = new Map<string, string>();
  const reads: Promise<void>[] = [];
  await new Promise<void>((resolve, reject) => {
    const parser = new Parser({
      strict: true,
      onReadEntry: (entry: ReadEntry) => {
        if (entry.type !== "File") {
          entry.resume();
          return;
        }
        const inChart = entry.path.split("/").slice(1).join("/");
        reads.push(
          entry.concat().then((content) => {
            if (inChart) files.set(inChart, content.toString("utf8"));
          }),
        );
      },
    });
    parser.on("error", reject);
    parser.on("end", resolve);
    parser.end(archive);
  });
  await Promise.all(reads);
  if (files.size === 0) throw new Error("not a chart archive: no files");
  return files;
}
