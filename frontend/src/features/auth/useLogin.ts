import { useMutation } from "@tanstack/react-query";

import { apiRequest } from "../../api/client";
import type { LoginResponse } from "../../api/types";
import { useAuth } from "./useAuth";

export interface Credentials {
  email: string;
  password: string;
}

export function useLogin() {
  const { signIn } = useAuth();
  return useMutation({
    mutationFn: (credentials: Credentials) =>
      apiRequest<LoginResponse>("/api/account/login", {
        method: "POST",
        body: credentials,
      }),
    onSuccess: signIn,
  });
}
