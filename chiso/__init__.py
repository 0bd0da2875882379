"""chiso: evaluate and rank a province's administrative reform (chỉ số cải cách hành chính)."""
