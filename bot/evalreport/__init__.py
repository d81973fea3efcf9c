"""Reports over evaluation results: terminal table, HTML page with pictures, before/after comparison."""
