export const id = 569;
export const ids = [569];
export const modules = {

/***/ 48569:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   actionsArtifactClient: () => (/* binding */ actionsArtifactClient),
/* harmony export */   restReleaseClient: () => (/* binding */ restReleaseClient)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(73024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _actions_artifact__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(37888);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(83916);
/* harmony import */ var _upload_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(11822);
/**
 * Production clients for publish.ts: workflow artifacts through @actions/artifact, and
 * releases through the documented REST API with fetch (no Octokit needed for six calls).
 */




function actionsArtifactClient() {
    const client = new _actions_artifact__WEBPACK_IMPORTED_MODULE_1__/* .DefaultArtifactClient */ .t9();
    return {
        upload: (name, files, rootDirectory) => client.uploadArtifact(name, [...files], rootDirectory),
        async delete(name) {
            try {
                await client.deleteArtifact(name);
                return true;
            }
            catch (error) {
                if (error instanceof _actions_artifact__WEBPACK_IMPORTED_MODULE_1__/* .ArtifactNotFoundError */ .CL)
                    return false;
                throw error;
            }
        },
        list: async () => (await client.listArtifacts({ latest: true })).artifacts.map((artifact) => ({ id: artifact.id, name: artifact.name })),
        async download(artifact, dir) {
            const result = await client.downloadArtifact(artifact.id, { path: dir });
            if (result.digestMismatch)
                throw new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .ActionError */ .lZ(`The artifact ${artifact.name} did not match its digest after download.`);
        },
    };
}
/** Seconds to wait from Retry-After or X-RateLimit-Reset, when present. */
function retryAfter(headers) {
    const after = Number(headers.get('retry-after'));
    if (Number.isFinite(after) && after > 0)
        return after;
    const reset = Number(headers.get('x-ratelimit-reset'));
    if (Number.isFinite(reset) && reset > 0 && headers.get('x-ratelimit-remaining') === '0')
        return Math.max(1, reset - Date.now() / 1000);
    return undefined;
}
function restReleaseClient(options) {
    const api = options.apiUrl.replace(/\/+$/, '');
    const repo = `${api}/repos/${options.repository}`;
    const uploadUrls = new Map();
    const headers = { Authorization: `Bearer ${options.token}`, Accept: 'application/vnd.github+json', 'X-GitHub-Api-Version': '2022-11-28', 'User-Agent': 'rust-xbuild' };
    async function request(method, url, body, extraHeaders = {}) {
        const response = await fetch(url, {
            method,
            headers: { ...headers, ...(body !== undefined && !Buffer.isBuffer(body) ? { 'Content-Type': 'application/json' } : {}), ...extraHeaders },
            body: body === undefined ? undefined : Buffer.isBuffer(body) ? new Uint8Array(body) : JSON.stringify(body),
        });
        if (response.ok)
            return (response.status === 204 ? undefined : await response.json());
        const text = await response.text();
        let message = text;
        try {
            const json = JSON.parse(text);
            message = [json.message, ...(json.errors ?? []).map((e) => e.code)].filter(Boolean).join(': ');
        }
        catch {
            // Not JSON (a proxy's HTML page): keep the text.
        }
        const rateLimited = response.status === 429 || (response.status === 403 && (response.headers.get('x-ratelimit-remaining') === '0' || /rate limit/i.test(message)));
        throw new _upload_js__WEBPACK_IMPORTED_MODULE_3__/* .HttpError */ .j$(response.status, `${method} ${url.replace(/\?.*/, '')}: ${response.status} ${message.slice(0, 300)}`, retryAfter(response.headers), rateLimited);
    }
    const info = (release) => {
        uploadUrls.set(release.id, release.upload_url);
        return { id: release.id, tag: release.tag_name, draft: release.draft };
    };
    async function paged(url) {
        const items = [];
        for (let page = 1; page <= 10; page++) {
            const batch = await request('GET', `${url}${url.includes('?') ? '&' : '?'}per_page=100&page=${page}`);
            items.push(...batch);
            if (batch.length < 100)
                break;
        }
        return items;
    }
    return {
        // The tag endpoint does not return drafts, so list and filter.
        findReleases: async (tag) => (await paged(`${repo}/releases`))
            .filter((release) => release.tag_name === tag)
            .sort((a, b) => a.id - b.id)
            .map(info),
        createDraft: async (tag) => info(await request('POST', `${repo}/releases`, { tag_name: tag, name: tag, draft: true, ...(options.commit ? { target_commitish: options.commit } : {}) })),
        deleteRelease: (id) => request('DELETE', `${repo}/releases/${id}`),
        listAssets: async (releaseId) => (await paged(`${repo}/releases/${releaseId}/assets`)).map(({ id, name }) => ({ id, name })),
        deleteAsset: (assetId) => request('DELETE', `${repo}/releases/assets/${assetId}`),
        async uploadAsset(releaseId, name, file) {
            const template = uploadUrls.get(releaseId) ??
                `${api.replace('://api.github.com', '://uploads.github.com').replace(/\/api\/v3$/, '/api/uploads')}/repos/${options.repository}/releases/${releaseId}/assets{?name,label}`;
            const url = `${template.replace(/\{\?[^}]*\}$/, '')}?name=${encodeURIComponent(name)}`;
            const asset = await request('POST', url, node_fs__WEBPACK_IMPORTED_MODULE_0___default().readFileSync(file), { 'Content-Type': 'application/octet-stream' });
            return { id: asset.id, name: asset.name };
        },
    };
}


/***/ })

};
