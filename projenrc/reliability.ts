import { awscdk } from 'projen';

/**
 * Project configuration for this concern (tasks, workflows). Called from .projenrc.ts.
 */
export function configure(project: awscdk.AwsCdkConstructLibrary): void {
  void project;
}
