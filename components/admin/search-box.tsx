"use client";
import { useEffect, useRef, useState } from "react";

/**
 * A text input that commits its value (to the URL, usually) after a short
 * pause in typing, and follows the URL when it changes elsewhere (back button).
 */
export function DebouncedInput({
  id,
  value,
  onCommit,
  placeholder,
  type = "search",
  delay = 300,
  style,
}: {
  id: string;
  value: string;
  onCommit: (v: string) => void;
  placeholder?: string;
  type?: string;
  delay?: number;
  style?: React.CSSProperties;
}) {
  const [local, setLocal] = useState(value);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  // Follow the URL when it changes from outside (back button, a shared link), without an effect.
  const [seen, setSeen] = useState(value);
  if (value !== seen) {
    setSeen(value);
    setLocal(value);
  }
  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
  }, []);
  return (
    <input
      id={id}
      className="input"
      type={type}
      value={local}
      placeholder={placeholder}
      style={style}
      onChange={(e) => {
        const v = e.target.value;
        setLocal(v);
        if (timer.current) clearTimeout(timer.current);
        timer.current = setTimeout(() => onCommit(v.trim()), delay);
      }}
      onKeyDown={(e) => {
        if (e.key === "Enter") {
          if (timer.current) clearTimeout(timer.current);
          onCommit(local.trim());
        }
      }}
    />
  );
}
