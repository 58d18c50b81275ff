/**
 * The production workflow-artifact client, through @actions/artifact. Loaded only when
 * uploading or merging: it is most of the bundle's start-up time.
 */
import { ArtifactNotFoundError, DefaultArtifactClient } from '@actions/artifact'
import { ActionError } from '../errors.js'
import type { ArtifactClient } from './upload.js'

export function actionsArtifactClient(): ArtifactClient {
  const client = new DefaultArtifactClient()
  return {
    upload: (name, files, rootDirectory) => client.uploadArtifact(name, [...files], rootDirectory),
    async delete(name) {
      try {
        await client.deleteArtifact(name)
        return true
      } catch (error) {
        if (error instanceof ArtifactNotFoundError) return false
        throw error
      }
    },
    list: async () => (await client.listArtifacts({ latest: true })).artifacts.map((artifact) => ({ id: artifact.id, name: artifact.name })),
    async download(artifact, dir) {
      const result = await client.downloadArtifact(artifact.id, { path: dir })
      if (result.digestMismatch) throw new ActionError(`The artifact ${artifact.name} did not match its digest after download.`)
    },
  }
}
