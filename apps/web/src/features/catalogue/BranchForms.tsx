import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId, useState } from "react";
import { errorMessage } from "../../lib/errors";
import { useTRPC } from "../../lib/trpc";
import type { CatalogueBranch } from "./types";

/** Branches show in every listing and on staff screens: refetch all of them after an edit. */
export function useCatalogueRefresh() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.admin.pathKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.seats.pathKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.branches.pathKey() }),
    ]);
}

export function NewBranchForm({ onCreated }: { onCreated: (branch: { id: number; name: string }) => void }) {
  const trpc = useTRPC();
  const refresh = useCatalogueRefresh();
  const id = useId();
  const [name, setName] = useState("");
  const [code, setCode] = useState("");
  const create = useMutation(
    trpc.admin.createBranch.mutationOptions({
      onSuccess: async (branch) => {
        setName("");
        setCode("");
        await refresh();
        onCreated(branch);
      },
    }),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({ name: name.trim(), code: code.trim().toUpperCase() });
  };
  return (
    <form className="catalogue-form" onSubmit={submit} aria-label="New library">
      <h3>New library</h3>
      <div className="row catalogue-row">
        <div className="field">
          <label htmlFor={`${id}-name`}>Library name</label>
          <input
            id={`${id}-name`}
            value={name}
            maxLength={100}
            required
            onChange={(e) => setName(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-code`}>Library code</label>
          <input
            id={`${id}-code`}
            value={code}
            maxLength={6}
            required
            aria-describedby={`${id}-code-hint`}
            onChange={(e) => setCode(e.target.value)}
          />
          <p id={`${id}-code-hint`} className="hint">
            1–6 capital letters, e.g. LL. New seats are numbered after it (LL-01).
          </p>
        </div>
      </div>
      {create.isError && (
        <p className="form-error" role="alert">
          {errorMessage(create.error)}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={create.isPending}>
          {create.isPending ? "Creating…" : "Create library"}
        </button>
      </div>
    </form>
  );
}

export function RenameBranchForm({
  branch,
  onRenamed,
}: {
  branch: CatalogueBranch;
  onRenamed: (name: string) => void;
}) {
  const trpc = useTRPC();
  const refresh = useCatalogueRefresh();
  const id = useId();
  const [name, setName] = useState(branch.name);
  const rename = useMutation(
    trpc.admin.renameBranch.mutationOptions({
      onSuccess: async (renamed) => {
        await refresh();
        onRenamed(renamed.name);
      },
    }),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    rename.mutate({ branch: branch.name, name: name.trim() });
  };
  return (
    <form className="catalogue-form" onSubmit={submit} aria-label={`Rename ${branch.name}`}>
      <div className="field">
        <label htmlFor={`${id}-name`}>Library name</label>
        <input
          id={`${id}-name`}
          value={name}
          maxLength={100}
          required
          onChange={(e) => setName(e.target.value)}
        />
      </div>
      {rename.isError && (
        <p className="form-error" role="alert">
          {errorMessage(rename.error)}
        </p>
      )}
      <div className="actions">
        <button type="submit" disabled={rename.isPending || name.trim() === branch.name}>
          {rename.isPending ? "Renaming…" : "Rename library"}
        </button>
      </div>
    </form>
  );
}
