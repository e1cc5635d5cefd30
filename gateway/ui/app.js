// Boda's page: the public API with the key kept in this browser. Everything a result holds is
// attacker-controlled text, so it only ever reaches the page through textContent and SVG
// attributes, never as HTML.

const TEXT = {
  en: {
    apiKey: "API key", saveKey: "Keep in this browser", keyHint: "The embedded default prints its key at start (data/api_key).",
    keySaved: "Key kept in this browser.", tryTitle: "Read documents, plates and faces", type: "Analysis",
    drop: "Drop files here, or pick them: one file is a job, several a batch.", options: "Options",
    mask: "Mask personal numbers", keepOriginal: "Keep the original", groupId: "Face group", faceId: "Face id",
    externalId: "External image id", limit: "Limit", threshold: "Threshold (0–100)", run: "Read",
    batchTitle: "Batch", excel: "Excel", jsonLines: "JSON lines", zip: "ZIP", jobsTitle: "Jobs",
    facesTitle: "Face groups", newGroup: "New group", create: "Create", refresh: "Refresh",
    facesHint: "Register faces with the analysis “face_register” and a group; search with “face_search”.",
    noPicture: "PDF and TIFF pages are not drawn here: their text and fields are below.",
    field: "Field", value: "Value", confidence: "Confidence", valid: "Valid", json: "JSON", text: "Text",
    noKey: "Enter the API key first.", noFile: "Pick a file first.", faces: "faces", registered: "registered",
    queued: "queued", running: "running", succeeded: "succeeded", failed: "failed", cancelled: "cancelled",
    rejected: "rejected", of: "of", yes: "yes", no: "no", none: "—",
  },
  ko: {
    apiKey: "API 키", saveKey: "이 브라우저에 저장", keyHint: "내장 실행은 시작할 때 키를 출력합니다 (data/api_key).",
    keySaved: "키를 이 브라우저에 저장했습니다.", tryTitle: "문서, 번호판, 얼굴 인식", type: "분석 종류",
    drop: "파일을 끌어 놓거나 선택하세요. 파일 하나는 작업 하나, 여러 개는 일괄 처리입니다.", options: "옵션",
    mask: "개인 번호 가리기", keepOriginal: "원본 보관", groupId: "얼굴 그룹", faceId: "얼굴 ID",
    externalId: "외부 이미지 ID", limit: "최대 개수", threshold: "임계값 (0–100)", run: "인식",
    batchTitle: "일괄 처리", excel: "엑셀", jsonLines: "JSON Lines", zip: "ZIP", jobsTitle: "작업",
    facesTitle: "얼굴 그룹", newGroup: "새 그룹", create: "만들기", refresh: "새로고침",
    facesHint: "분석 “face_register”와 그룹으로 얼굴을 등록하고, “face_search”로 찾습니다.",
    noPicture: "PDF와 TIFF 페이지는 그림 없이 텍스트와 필드만 보여 줍니다.",
    field: "항목", value: "값", confidence: "신뢰도", valid: "유효", json: "JSON", text: "텍스트",
    noKey: "먼저 API 키를 입력하세요.", noFile: "먼저 파일을 선택하세요.", faces: "얼굴", registered: "등록됨",
    queued: "대기", running: "처리 중", succeeded: "완료", failed: "실패", cancelled: "취소",
    rejected: "거부", of: "/", yes: "예", no: "아니요", none: "—",
  },
};
const LANG = (navigator.language || "en").toLowerCase().startsWith("ko") ? "ko" : "en";
const t = (key) => TEXT[LANG][key] ?? TEXT.en[key] ?? key;
const DOCUMENTS = ["business_registration", "credit_card", "id_card"];
const TERMINAL = ["succeeded", "failed", "cancelled"];
const SVG = "http://www.w3.org/2000/svg";
const KEY = "boda-api-key";

const $ = (selector, root = document) => root.querySelector(selector);
const key = () => localStorage.getItem(KEY) || "";
const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

async function api(path, init = {}) {
  const headers = { ...(init.headers || {}), Authorization: `Bearer ${key()}` };
  const response = await fetch(path, { ...init, headers });
  if (!response.ok) {
    let message = `${response.status}`;
    try {
      const body = await response.json();
      message = `${body.error.code}: ${body.error.message}`;
    } catch { /* not JSON */ }
    throw new Error(message);
  }
  return response;
}

function translate() {
  document.documentElement.lang = LANG;
  for (const element of document.querySelectorAll("[data-i18n]")) element.textContent = t(element.dataset.i18n);
  for (const template of document.querySelectorAll("template")) {
    for (const element of template.content.querySelectorAll("[data-i18n]")) element.textContent = t(element.dataset.i18n);
  }
}

function showOptions() {
  const type = $("#type").value;
  for (const label of document.querySelectorAll("#option-fields [data-for]")) {
    const wanted = label.dataset.for.split(" ");
    label.hidden = !(wanted.includes(type) || (wanted.includes("documents") && DOCUMENTS.includes(type)));
  }
}

function options() {
  const chosen = {};
  for (const input of document.querySelectorAll("#option-fields input")) {
    if (input.closest("label").hidden) continue;
    if (input.type === "checkbox") {
      if (input.checked) chosen[input.name] = true;
    } else if (input.value !== "") {
      chosen[input.name] = input.type === "number" ? Number(input.value) : input.value;
    }
  }
  return chosen;
}

// Submitting: one file is a job (face_compare: two files, source and target), several a batch.
async function submit(event) {
  event.preventDefault();
  const error = $("#upload-error");
  error.textContent = "";
  const files = [...$("#file").files];
  if (!key()) return (error.textContent = t("noKey"));
  if (!files.length) return (error.textContent = t("noFile"));
  const type = $("#type").value;
  const form = new FormData();
  form.append("type", type);
  form.append("options", JSON.stringify(options()));
  try {
    if (files.length === 1 || type === "face_compare") {
      form.append("file", files[0]);
      if (type === "face_compare" && files[1]) form.append("target", files[1]);
      const job = await (await api("/v1/jobs?wait=0", { method: "POST", body: form })).json();
      follow(job, files[0]);
    } else {
      for (const file of files) form.append("files", file);
      const batch = await (await api("/v1/batches", { method: "POST", body: form })).json();
      followBatch(batch, files);
    }
  } catch (e) {
    error.textContent = e.message;
  }
}

function card(job, file) {
  const article = $("#job-template").content.firstElementChild.cloneNode(true);
  article.dataset.jobId = job.id;
  $(".filename", article).textContent = file ? file.name : job.input?.filename || job.id;
  $(".kind", article).textContent = job.type;
  $("#jobs").prepend(article);
  return article;
}

function setStatus(article, status) {
  const label = $(".status", article);
  label.textContent = t(status);
  label.dataset.status = status;
  article.dataset.status = status;
}

async function follow(job, file, article = card(job, file)) {
  setStatus(article, job.status);
  while (!TERMINAL.includes(job.status)) {
    job = await (await api(`/v1/jobs/${job.id}?wait=10`)).json();
    setStatus(article, job.status);
  }
  if (job.status !== "succeeded") {
    $(".error", article).textContent = job.error ? `${job.error.code}: ${job.error.message}` : t(job.status);
    return;
  }
  const result = await (await api(`/v1/jobs/${job.id}/result`)).json();
  show(article, job, result, file);
}

async function followBatch(batch, files) {
  const section = $("#batch");
  section.hidden = false;
  for (const [id, format] of [["#batch-xlsx", "result.xlsx"], ["#batch-jsonl", "result.jsonl"], ["#batch-zip", "result.zip"]]) {
    $(id).onclick = (event) => { event.preventDefault(); download(`/v1/batches/${batch.id}/${format}`, `batch-${batch.id}.${format.split(".")[1]}`); };
  }
  const byName = new Map(files.map((file) => [file.name, file]));
  const cards = new Map();
  for (;;) {
    const counts = batch.counts;
    const ended = counts.succeeded + counts.failed + counts.cancelled;
    $("#batch-progress").max = Math.max(counts.total, 1);
    $("#batch-progress").value = ended;
    $("#batch-counts").textContent = `${ended} ${t("of")} ${counts.total} · ${t("succeeded")} ${counts.succeeded} · ${t("failed")} ${counts.failed} · ${t("rejected")} ${counts.rejected}`;
    section.dataset.status = batch.status;
    await showBatchJobs(batch, byName, cards);
    if (ended >= counts.total) break;
    await sleep(500);
    batch = await (await api(`/v1/batches/${batch.id}`)).json();
  }
}

async function showBatchJobs(batch, byName, cards) {
  const list = await (await api(`/v1/jobs?batch_id=${batch.id}&limit=200`)).json();
  for (const job of list.items) {
    const file = byName.get(job.input?.filename);
    if (!cards.has(job.id)) cards.set(job.id, card(job, file));
    const article = cards.get(job.id);
    if (article.dataset.shown) continue;
    setStatus(article, job.status);
    if (TERMINAL.includes(job.status)) {
      article.dataset.shown = "1";
      follow(job, file, article);
    }
  }
}

// Results: the picture with its boxes, fields and checks, text, downloads.
function show(article, job, result, file) {
  const shapes = [];
  const page = result.pages ? result.pages[0] : null;
  for (const line of page ? page.lines : result.lines || []) shapes.push({ quad: line.box, label: line.text, confidence: line.confidence, kind: "line" });
  for (const field of result.fields || []) if (field.box) shapes.push({ quad: field.box, label: `${field.key}: ${field.value}`, confidence: field.confidence, kind: "field" });
  for (const plate of result.plates || []) shapes.push({ quad: plate.box, label: plate.number, confidence: plate.confidence, kind: "plate" });
  for (const face of faces(result)) shapes.push({ rect: face.box, landmarks: face.landmarks, label: face.id || t("faces"), confidence: face.confidence, kind: "face" });
  picture(article, file, shapes);
  table(article, result);
  const text = result.text ?? (result.plates ? result.plates.map((p) => p.number).join("\n") : "");
  $(".text", article).textContent = text;
  const downloads = $(".downloads", article);
  downloads.hidden = false;
  for (const button of downloads.querySelectorAll("button")) {
    const format = button.dataset.format;
    const suffix = format === "result" ? "json" : format.split(".")[1];
    button.onclick = () => download(`/v1/jobs/${job.id}/${format}`, `job-${job.id}.${suffix}`);
  }
}

function faces(result) {
  if (result.faces) return result.faces;
  return [result.source_face, ...(result.matched || []).map((m) => m.face)].filter(Boolean);
}

function picture(article, file, shapes) {
  const holder = $(".picture", article);
  const drawable = file && ["image/jpeg", "image/png", "image/webp", "image/bmp"].includes(file.type);
  if (!drawable) {  // PDF, TIFF (no browser draws it), or a job of another page
    holder.hidden = true;
    $(".no-picture", article).hidden = !file;
    return;
  }
  const image = $("img", holder);
  const svg = $("svg", holder);
  image.onload = () => {
    svg.setAttribute("viewBox", `0 0 ${image.naturalWidth} ${image.naturalHeight}`);
    for (const shape of shapes) svg.append(draw(shape, holder));
  };
  image.src = URL.createObjectURL(file);
}

function draw(shape, holder) {
  const group = document.createElementNS(SVG, "g");
  group.setAttribute("class", `box ${shape.kind}`);
  let outline;
  if (shape.quad) {
    outline = document.createElementNS(SVG, "polygon");
    outline.setAttribute("points", shape.quad.map(([x, y]) => `${x},${y}`).join(" "));
  } else {
    const [x0, y0, x1, y1] = shape.rect;
    outline = document.createElementNS(SVG, "rect");
    for (const [name, value] of [["x", x0], ["y", y0], ["width", x1 - x0], ["height", y1 - y0]]) outline.setAttribute(name, value);
  }
  group.append(outline);
  for (const [name, point] of Object.entries(shape.landmarks || {})) {
    const dot = document.createElementNS(SVG, "circle");
    dot.setAttribute("class", `landmark ${name}`);
    dot.setAttribute("cx", point[0]);
    dot.setAttribute("cy", point[1]);
    dot.setAttribute("r", 3);
    group.append(dot);
  }
  const title = document.createElementNS(SVG, "title");
  const confidence = shape.confidence == null ? "" : ` (${(shape.confidence * 100).toFixed(1)}%)`;
  title.textContent = `${shape.label}${confidence}`;
  group.append(title);
  const tip = $(".tip", holder);
  group.addEventListener("mouseenter", () => { tip.textContent = title.textContent; tip.hidden = false; });
  group.addEventListener("mouseleave", () => { tip.hidden = true; });
  return group;
}

function rowsOf(result) {
  if (result.fields) return result.fields.map((f) => [f.label ? `${f.label} (${f.key})` : f.key, f.value, f.confidence, f.valid]);
  if (result.plates) return result.plates.map((p) => [p.usage, p.number, p.confidence, p.valid]);
  if (result.matches) return result.matches.map((m) => [m.external_image_id || m.face_id, m.face_id, m.similarity / 100, null]);
  const angles = (f) => (f.orientation ? `yaw ${f.orientation.yaw.toFixed(0)}° · pitch ${f.orientation.pitch.toFixed(0)}° · roll ${f.orientation.roll.toFixed(0)}°` : "");
  return faces(result).map((f, i) => [f.id || `${t("faces")} ${i + 1}`, angles(f), f.confidence, f.liveness ? f.liveness.real : null]);
}

function table(article, result) {
  const body = $(".fields tbody", article);
  const rows = rowsOf(result);
  if (!rows.length) return;
  $(".fields", article).hidden = false;
  for (const [name, value, confidence, valid] of rows) {
    const row = body.insertRow();
    row.insertCell().textContent = name;
    row.insertCell().textContent = value;
    row.insertCell().textContent = confidence == null ? t("none") : `${(confidence * 100).toFixed(1)}%`;
    const cell = row.insertCell();
    cell.textContent = valid == null ? t("none") : valid ? t("yes") : t("no");
    cell.dataset.valid = String(valid);
  }
  const checks = $(".checks", article);
  for (const check of result.checks || []) {
    const item = document.createElement("li");
    item.dataset.passed = String(check.passed);
    const passed = check.passed == null ? t("none") : check.passed ? t("yes") : t("no");
    item.textContent = `${check.name}: ${passed}${check.detail ? ` (${check.detail})` : ""}`;
    checks.append(item);
  }
}

async function download(path, name) {
  const blob = await (await api(path)).blob();
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
}

// Face groups.
async function refreshGroups() {
  if (!key()) return;
  const list = await (await api("/v1/face/groups?limit=200")).json();
  const groups = $("#groups");
  const ids = $("#group-ids");
  groups.replaceChildren();
  ids.replaceChildren();
  for (const group of list.items) {
    const item = document.createElement("li");
    item.textContent = `${group.group_id} · ${group.face_count ?? 0} ${t("registered")}`;
    groups.append(item);
    const option = document.createElement("option");
    option.value = group.group_id;
    ids.append(option);
  }
}

async function createGroup(event) {
  event.preventDefault();
  const id = $("#new-group").value;
  await api("/v1/face/groups", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ group_id: id }) });
  $("#new-group").value = "";
  await refreshGroups();
}

function start() {
  translate();
  $("#api-key").value = key();
  $("#key-form").addEventListener("submit", (event) => {
    event.preventDefault();
    localStorage.setItem(KEY, $("#api-key").value.trim());
    $("#key-state").textContent = t("keySaved");
    refreshGroups().catch(() => {});
  });
  $("#type").addEventListener("change", showOptions);
  showOptions();
  $("#upload").addEventListener("submit", submit);
  const drop = $("#drop");
  drop.addEventListener("dragover", (event) => { event.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (event) => {
    event.preventDefault();
    drop.classList.remove("over");
    $("#file").files = event.dataTransfer.files;
  });
  $("#group-form").addEventListener("submit", (event) => createGroup(event).catch((e) => { $("#upload-error").textContent = e.message; }));
  $("#refresh-groups").addEventListener("click", () => refreshGroups().catch(() => {}));
  refreshGroups().catch(() => {});
}

start();
