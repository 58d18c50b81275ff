export const id = 705;
export const ids = [705];
export const modules = {

/***/ 44705:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   actionsArtifactClient: () => (/* binding */ actionsArtifactClient)
/* harmony export */ });
/* harmony import */ var _actions_artifact__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(60683);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(83916);
/**
 * The production workflow-artifact client, through @actions/artifact. Loaded only when
 * uploading or merging: it is most of the bundle's start-up time.
 */


function actionsArtifactClient() {
    const client = new _actions_artifact__WEBPACK_IMPORTED_MODULE_0__/* .DefaultArtifactClient */ .t9();
    return {
        upload: (name, files, rootDirectory) => client.uploadArtifact(name, [...files], rootDirectory),
        async delete(name) {
            try {
                await client.deleteArtifact(name);
                return true;
            }
            catch (error) {
                if (error instanceof _actions_artifact__WEBPACK_IMPORTED_MODULE_0__/* .ArtifactNotFoundError */ .CL)
                    return false;
                throw error;
            }
        },
        list: async () => (await client.listArtifacts({ latest: true })).artifacts.map((artifact) => ({ id: artifact.id, name: artifact.name })),
        async download(artifact, dir) {
            const result = await client.downloadArtifact(artifact.id, { path: dir });
            if (result.digestMismatch)
                throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ActionError */ .lZ(`The artifact ${artifact.name} did not match its digest after download.`);
        },
    };
}


/***/ })

};
